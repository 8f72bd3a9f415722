import { Module } from "@nestjs/common";
import { FlashModule } from "flashkit/nest";
import { AppController } from "./app.controller.js";
import { AssetsController } from "./assets.controller.js";

// Without `secret`, flashkit signs with FLASH_SECRET; under NODE_ENV=production a missing one stops
// NestFactory.create() with an error that says what to set.
@Module({
  imports: [FlashModule.forRoot({ secret: process.env.FLASH_SECRET })],
  controllers: [AppController, AssetsController],
})
export class AppModule {}
