import { type ActionFunctionArgs, Form } from "react-router";
import { dataWithError, redirectWithSuccess } from "../flash.server";

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  if (form.get("username") === "admin" && form.get("password") === "secret") {
    return redirectWithSuccess(args, "/profile", "You were successfully logged in");
  }
  // The page stays, its username kept; the message shows when the loaders revalidate.
  return dataWithError(args, { username: String(form.get("username") ?? "") }, "Invalid username or password");
}

export default function Login() {
  return (
    <div className="row">
      <div className="col-md-6 col-lg-5">
        <h1 className="h3 mb-3">Log in</h1>
        <Form method="post">
          <div className="mb-3">
            <label htmlFor="username" className="form-label">
              Username
            </label>
            <input type="text" className="form-control" id="username" name="username" required />
          </div>
          <div className="mb-3">
            <label htmlFor="password" className="form-label">
              Password
            </label>
            <input type="password" className="form-control" id="password" name="password" required />
          </div>
          <button type="submit" className="btn btn-primary">
            Log in
          </button>
        </Form>
      </div>
    </div>
  );
}
