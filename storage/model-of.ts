import type mongoose from 'mongoose';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = mongoose.Model<any>;

/** The model `name` on `connection` (registered once per connection, never on mongoose's default connection). */
export function modelOf(connection: mongoose.Connection, name: string, schema: mongoose.Schema, collection: string): AnyModel {
  return (connection.models[name] as AnyModel | undefined) ?? (connection.model(name, schema, collection) as unknown as AnyModel);
}
