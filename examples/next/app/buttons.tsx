"use client";
import { useRouter } from "next/navigation";

/** Flashes from a route handler, then navigates on the client: the message shows on the next page. */
export function PingButton() {
  const router = useRouter();
  return (
    <button
      type="button"
      className="btn btn-outline-secondary"
      onClick={async () => {
        await fetch("/api/ping", { method: "POST" });
        router.push("/profile");
      }}
    >
      Ping, then go to the profile
    </button>
  );
}

/** Prefetches the profile page: a prefetch consumes nothing. */
export function PrefetchButton() {
  const router = useRouter();
  return (
    <button
      type="button"
      className="btn btn-outline-secondary"
      onClick={() => router.prefetch(`/profile?p=${Date.now()}`)}
    >
      Prefetch the profile
    </button>
  );
}
