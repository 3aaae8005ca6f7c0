export {
  DEFAULT_MAX_BYTES,
  type FetchedObject,
  type GetOptions,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './object-store.js';
export {
  InvalidContentTypeError,
  InvalidKeyError,
  RangeNotSatisfiableError,
  TooLargeError,
} from './errors.js';
export { checkContentType, checkKey, DEFAULT_CONTENT_TYPE, MAX_KEY_LENGTH } from './keys.js';
export { contentRange, parseRangeHeader, resolveRange, type ByteRange, type ResolvedRange } from './range.js';
export { FolderObjectStore } from './folder-store.js';
export { S3ObjectStore, type S3ObjectStoreOptions } from './s3-store.js';
export {
  DEFAULT_STORAGE_DIR,
  objectStoreFromConfig,
  objectStoreFromEnv,
  storageConfigFromEnv,
  type StorageConfig,
} from './config.js';
