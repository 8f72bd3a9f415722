export { default } from "./[...path]/page";
