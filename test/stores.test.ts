import { cookieStore, memoryStore } from "../src/index.js";
import { SECRET } from "./helpers.js";
import { describeStore } from "./store-suite.js";

describeStore("cookie", () => cookieStore({ secret: SECRET }));
describeStore("cookie with a rotated secret list", () => cookieStore({ secret: [SECRET, "o".repeat(40)] }));
describeStore("memory", () => memoryStore());
