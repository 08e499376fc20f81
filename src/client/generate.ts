import openapiTS, { astToString } from 'openapi-typescript'

const HEADER = '/* eslint-disable */\n// Generated from openapi/openapi.json by `npm run openapi` (openapi-typescript). Do not edit.\n'

/** The client's TypeScript types for an OpenAPI document, as `npm run openapi` writes them. */
export async function generateClientTypes (document: string): Promise<string> {
  return HEADER + astToString(await openapiTS(document))
}
