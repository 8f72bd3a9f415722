import { login } from "./actions";

export default function Login() {
  return (
    <form action={login} className="col-md-4">
      <h1>Log in</h1>
      <p className="text-body-secondary">The demo user is admin / secret.</p>
      <input className="form-control mb-2" name="username" placeholder="Username" required />
      <input className="form-control mb-2" name="password" type="password" placeholder="Password" required />
      <button className="btn btn-primary" type="submit">
        Log in
      </button>
    </form>
  );
}
