import { type ArgumentsHost, BadRequestException, Catch, type ExceptionFilter } from "@nestjs/common";
import { HttpAdapterHost } from "@nestjs/core";
import { flashOf } from "flashkit/nest";
import "./flash-types.js";

// A form that fails validation goes back to itself with the error as a flash, instead of a JSON 400.
@Catch(BadRequestException)
export class RedirectBackFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: BadRequestException, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const request = http.getRequest<{ url: string }>();
    flashOf(request)(exception.message, "error");
    this.adapterHost.httpAdapter.redirect(http.getResponse(), 303, request.url);
  }
}
