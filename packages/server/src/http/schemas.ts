import { Type } from 'typebox';

// Shared request pieces; every route's schema also documents it in /api/openapi.json.
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
