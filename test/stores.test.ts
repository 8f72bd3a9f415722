import { cookieStore, memoryStore } from "../src/index.js";
import { SECRET } from "./helpers.js";
import { describeStore } from "./store-suite.js";

// The contract round-trips a message near a cookie's 4 KB: allow one request to add that much.
describeStore("cookie", () => cookieStore({ secret: SECRET, maxBytes: 8192, maxAddedBytes: 4098 }));
describeStore("cookie with a rotated secret list", () =>
  cookieStore({ secret: [SECRET, "o".repeat(40)], maxBytes: 8192, maxAddedBytes: 4098 }),
);
describeStore("memory", () => memoryStore());
