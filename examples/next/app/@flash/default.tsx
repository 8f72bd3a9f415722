export default function NoFlash() {
  return null;
}
