import { FlashThenPush } from "./flash-then-push";

export default function PageA() {
  return (
    <>
      <h1>Page A</h1>
      <FlashThenPush />
    </>
  );
}
