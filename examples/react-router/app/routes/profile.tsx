import { type ActionFunctionArgs, Form } from "react-router";
import { redirectWithError, redirectWithSuccess } from "../flash.server";

export async function action(args: ActionFunctionArgs) {
  const name = String((await args.request.formData()).get("name") ?? "").trim();
  if (!name) return redirectWithError(args, "/profile", "Please enter your name.");
  return redirectWithSuccess(args, "/profile", "Profile updated successfully!");
}

export default function Profile() {
  return (
    <div className="row">
      <div className="col-md-6 col-lg-5">
        <h1 className="h3 mb-3">Profile</h1>
        <Form method="post">
          <div className="mb-3">
            <label htmlFor="name" className="form-label">
              Name
            </label>
            <input type="text" className="form-control" id="name" name="name" />
          </div>
          <button type="submit" className="btn btn-primary">
            Update profile
          </button>
        </Form>
      </div>
    </div>
  );
}
