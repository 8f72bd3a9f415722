export default function PageB() {
  return <h1>Page B</h1>;
}
