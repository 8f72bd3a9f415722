import { updateProfile } from "./actions";

export default function Profile() {
  return (
    <form action={updateProfile} className="col-md-4">
      <h1>Profile</h1>
      <input className="form-control mb-2" name="name" placeholder="Your name" defaultValue="Ada" />
      <button className="btn btn-primary" type="submit">
        Update profile
      </button>
    </form>
  );
}
