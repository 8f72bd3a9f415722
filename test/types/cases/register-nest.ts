// A Nest program that imports only flashkit/nest and types its categories through `Register`: the
// request's flash that @Flash() injects (RequestFlash) takes only those categories.
import { Flash, FlashModule, flashOf, type RequestFlash } from "flashkit/nest";

type AppFlashes = { success: string; error: string; toast: { title: string } };

declare module "flashkit" {
  interface Register {
    flashes: AppFlashes;
  }
}

export const flashModule = FlashModule.forRoot({ secret: process.env.FLASH_SECRET });
export const parameter: ParameterDecorator = Flash();

export function updateProfile(flash: RequestFlash): void {
  flash("Saved", "success");
  flash({ title: "Hi" }, "toast");
  flash("Saved", "sucess"); // expect-error TS2345: '"sucess"'
  flash.now("Shown now", "error");
  const pairs: Array<["success", string] | ["error", string] | ["toast", { title: string }]> = flash.getFlashedMessages(
    {
      withCategories: true,
    },
  );
  console.log(pairs);
}

export function fromAFilter(request: object): void {
  flashOf(request)("Name is required", "error");
  flashOf(request)("Hi", "toast"); // expect-error TS2345: '{ title: string; }'
}
