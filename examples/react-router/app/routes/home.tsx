import { Link } from "react-router";

export default function Home() {
  return (
    <>
      <h1 className="h3">flashkit + React Router 7</h1>
      <p>
        <Link to="/login">Log in</Link> with a wrong password, or <Link to="/profile">update your profile</Link>.
      </p>
    </>
  );
}
