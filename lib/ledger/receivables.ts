/** What an account with this balance owes: the part below zero, else nothing. */
export function owedFromBalance(balanceMicros: number): number {
  return balanceMicros < 0 ? -balanceMicros : 0;
}
