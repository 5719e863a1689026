import Link from "next/link";

export default function ForbiddenPage() {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-xl font-semibold">You do not have access to that page</h1>
      <p className="text-sm text-slate-600">Your role does not include it. Ask an admin if you need it.</p>
      <Link href="/" className="text-sm font-medium text-indigo-700 hover:underline">
        Back to Switchyard
      </Link>
    </div>
  );
}
