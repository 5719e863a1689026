import { ChatPlayground } from "@/components/chat/chat-playground";
import { requirePage } from "@/app/_server/session";

export const metadata = { title: "Chat · Switchyard" };

export default async function ChatPage({ searchParams }: { searchParams: Promise<{ c?: string | string[] }> }) {
  await requirePage("user");
  const { c } = await searchParams;
  return (
    <>
      <h1 className="sr-only">Chat</h1>
      <ChatPlayground initialId={typeof c === "string" && c ? c : null} />
    </>
  );
}
