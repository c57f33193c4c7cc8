import { Controller, Get, Inject } from '@nestjs/common';
import { Access } from '../auth/access.decorator';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { API_ROUTES } from './api-routes';
import { openApiDocument } from './openapi.document';

@Controller()
@Access('public')
export class OpenApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.document = openApiDocument(API_ROUTES, { version: '0.1.0', maxBodyBytes: config.LH_MAX_BODY_BYTES });
  }

  @Get('openapi.json')
  render(): Record<string, unknown> {
    return this.document;
  }
}
