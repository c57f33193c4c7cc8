import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

/**
 * Stands in for the SDK's ajv-based validator in the adapter's bundle (tools/build/build.mjs):
 * the SDK's server uses one only to check answers to elicitation requests, which the adapter
 * never sends, and ajv with its formats costs an idle adapter about 1.5 MB. Should the adapter
 * ever elicit, every answer is refused rather than trusted unchecked.
 */
export class AjvJsonSchemaValidator implements jsonSchemaValidator {
  getValidator<T>(_schema: JsonSchemaType): JsonSchemaValidator<T> {
    return () => ({ valid: false, data: undefined, errorMessage: 'the Lighthouse adapter does not validate elicitation answers' });
  }
}
