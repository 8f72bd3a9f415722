import Link from "next/link";
import { PingButton, PrefetchButton } from "./buttons";

export default function Home() {
  return (
    <>
      <h1>flashkit + Next.js</h1>
      <p>
        <Link href="/login">Log in</Link> with a wrong password, or <Link href="/profile">update your profile</Link>.
      </p>
      <p>
        <PingButton /> <PrefetchButton />
      </p>
    </>
  );
}
