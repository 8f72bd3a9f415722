// The types next-env.d.ts would bring (Next writes that file, gitignored, at its first build or dev run):
// Next's own, and its global declarations of stylesheet and image imports. With this file the example
// type-checks on a fresh clone, before Next has run.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
