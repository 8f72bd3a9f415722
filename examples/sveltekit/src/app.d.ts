// flashkit/sveltekit adds `flash` to App.Locals and App.PageData itself; declare your own beside it.
declare global {
  namespace App {
    interface Locals {
      user: string | undefined;
    }
  }
}

export {};
