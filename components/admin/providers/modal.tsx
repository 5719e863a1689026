// The modal moved to components/ui so every page's dialogs share it.
export { Modal } from "@/components/ui/modal";
