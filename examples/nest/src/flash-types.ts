// The app's categories: `flash(message, category)` takes these, and a misspelt one is a compile error.
export type AppFlashes = { success: string; error: string; info: string };

declare module "flashkit" {
  interface Register {
    flashes: AppFlashes;
  }
}
