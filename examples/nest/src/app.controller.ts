import { BadRequestException, Body, Controller, Get, Header, Post, Redirect, Render } from "@nestjs/common";
import { Flash, type RequestFlash } from "flashkit/nest";
import "./flash-types.js";

interface LoginForm {
  username?: string;
  password?: string;
}

// Pages that show messages are not stored: Back would replay them from the browser's cache.
const NO_STORE = ["Cache-Control", "no-store"] as const;

@Controller()
export class AppController {
  @Get()
  @Render("index")
  @Header(...NO_STORE)
  index() {
    return { title: "Home" };
  }

  @Get("login")
  @Render("login")
  @Header(...NO_STORE)
  loginForm() {
    return { title: "Log in" };
  }

  // A static redirect to "/" on success; returning { url } sends the user back to the form instead.
  @Post("login")
  @Redirect("/", 303)
  login(@Body() form: LoginForm, @Flash() flash: RequestFlash) {
    // RedirectBackFilter turns this into a flash on the form.
    if (!form.username?.trim()) throw new BadRequestException("Please enter your username");
    if (form.username === "admin" && form.password === "secret") {
      flash("You were successfully logged in", "success");
      return;
    }
    flash("Invalid username or password", "error");
    return { url: "/login" };
  }

  @Get("profile")
  @Render("profile")
  @Header(...NO_STORE)
  profile() {
    return { title: "Profile" };
  }

  @Post("profile")
  @Redirect("/profile", 303)
  updateProfile(@Flash() flash: RequestFlash) {
    flash("Profile updated successfully!", "success");
  }
}
