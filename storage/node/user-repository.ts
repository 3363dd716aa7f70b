import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import type { NewUser, NodeUser, UserRepository, UserRole } from '../../server/domain/ports/node/index.js';
import { translateMongoError } from '../mongo-errors.js';
import { nodeModels } from './models.js';
import type { Raw } from './raw.js';

function toUser(d: Raw): NodeUser {
  return Object.freeze({
    id: String(d._id),
    agencyCode: d.agencyCode as AgencyCode,
    username: String(d.username),
    fullName: String(d.fullName),
    roles: Object.freeze([...(d.roles as UserRole[])]),
    passwordHash: String(d.passwordHash),
    disabled: d.disabled === true,
    createdAt: new Date(d.createdAt),
  });
}

/** Users in node_users; (agencyCode, username) unique. */
export function createUserRepository(connection: mongoose.Connection): UserRepository {
  const { User } = nodeModels(connection);
  return {
    async create(user: NewUser): Promise<NodeUser> {
      const raw = { _id: user.id, agencyCode: user.agencyCode, username: user.username, fullName: user.fullName, roles: [...user.roles], passwordHash: user.passwordHash, disabled: user.disabled ?? false, createdAt: user.createdAt };
      await User.collection.insertOne(raw as Raw).catch((e) => translateMongoError(e, 'user'));
      return toUser(raw);
    },
    async findByUsername(agencyCode: AgencyCode, username: string): Promise<NodeUser | null> {
      const d = await User.collection.findOne({ agencyCode, username }).catch((e) => translateMongoError(e));
      return d ? toUser(d) : null;
    },
    async findById(id: string): Promise<NodeUser | null> {
      const d = await User.collection.findOne({ _id: id } as Raw).catch((e) => translateMongoError(e));
      return d ? toUser(d) : null;
    },
    async listByAgency(agencyCode: AgencyCode): Promise<readonly NodeUser[]> {
      const ds = await User.collection
        .find({ agencyCode })
        .sort({ username: 1 })
        .toArray()
        .catch((e) => translateMongoError(e));
      return ds.map(toUser);
    },
    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await User.collection.updateOne({ _id: id } as Raw, { $set: { passwordHash } }).catch((e) => translateMongoError(e));
    },
    async setDisabled(id: string, disabled: boolean): Promise<void> {
      await User.collection.updateOne({ _id: id } as Raw, { $set: { disabled } }).catch((e) => translateMongoError(e));
    },
  };
}
