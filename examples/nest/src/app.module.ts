import { Module } from "@nestjs/common";
import { APP_FILTER } from "@nestjs/core";
import { FlashModule } from "flashkit/nest";
import { AppController } from "./app.controller.js";
import { AssetsController } from "./assets.controller.js";
import { RedirectBackFilter } from "./redirect-back.filter.js";

// Without `secret`, flashkit signs with FLASH_SECRET; under NODE_ENV=production a missing one stops
// NestFactory.create() with an error that says what to set.
@Module({
  imports: [FlashModule.forRoot({ secret: process.env.FLASH_SECRET })],
  controllers: [AppController, AssetsController],
  providers: [{ provide: APP_FILTER, useClass: RedirectBackFilter }],
})
export class AppModule {}
