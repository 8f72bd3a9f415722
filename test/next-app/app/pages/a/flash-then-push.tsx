"use client";
import { useRouter } from "next/navigation";

export function FlashThenPush() {
  const router = useRouter();
  return (
    <button
      type="button"
      onClick={async () => {
        await fetch("/pages/flash", { method: "POST" });
        router.push("/pages/b");
      }}
    >
      Flash, then go to page B
    </button>
  );
}
