export { AppModule } from './app.module.js';
export { TrailStore } from './trail/trail.store.js';
export { TrailRecorder } from './trail/recorder.js';
export { CheckpointsService } from './checkpoints/checkpoints.service.js';
export { VerificationService } from './verification/verification.service.js';
export { RetentionService } from './retention/retention.service.js';
export { ChainVerifier } from './verification/chain.rules.js';
export { archiveLines, verifyArchiveFile, type ArchiveHeader } from './retention/archive.format.js';
export { trustedKeys } from './checkpoints/checkpoint.rules.js';
