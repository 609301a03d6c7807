// Public surface of src/artifacts (also the entry point taskcluster-pulse/artifacts); re-exported by src/index.ts.
export { downloadArtifact, downloadObject, type DownloadArtifactOptions, type DownloadObjectOptions } from './download.js';
export type {
  BufferDownload,
  CompletedDownload,
  DownloadInfo,
  DownloadResult,
  DownloadTarget,
  FileDownload,
  JsonDownload,
  LinesDownload,
  StreamDownload,
  TextDownload,
} from './targets.js';
export { ArtifactError, type ArtifactErrorCode } from './artifact-error.js';
export type { ContentHashes } from './hashes.js';
export type { TransferOptions, TransferProgressListener } from './transfer-options.js';
export { closeTransferConnections } from './http-agent.js';
export { uploadArtifact, uploadObject, type UploadArtifactOptions, type UploadData, type UploadObjectOptions, type UploadResult } from './upload.js';
