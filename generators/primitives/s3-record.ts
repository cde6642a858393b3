import type { S3EventRecord } from 'aws-lambda';
import { encodeS3Key } from '../codecs.js';
import type { Entropy } from './entropy.js';
import { accountId, epochMs, iamUniqueId, isoMs, publicIpv4, region as anyRegion } from './aws.js';
import { randomBase64, randomHex, randomUuid } from './fast-random.js';

/** The `ObjectCreated:*` and `ObjectRemoved:*` names, simplest first (fast-check shrinks towards the first). */
export const S3_EVENT_NAMES = [
  'ObjectCreated:Put',
  'ObjectCreated:Post',
  'ObjectCreated:Copy',
  'ObjectCreated:CompleteMultipartUpload',
  'ObjectRemoved:Delete',
  'ObjectRemoved:DeleteMarkerCreated',
] as const;
/** An S3 notification event name (no `s3:` prefix, as in the event itself). */
export type S3EventName = (typeof S3_EVENT_NAMES)[number];

const FOLDERS = ['uploads', 'incoming', 'images', 'documents', 'exports', 'raw', 'media/avatars', 'invoices', 'tmp', 'backups'] as const;
const STEMS = [
  'Annual Report (2024) + notes', 'IMG_2041', 'photo (1)', 'résumé', "Zoë's invoice", '报告', 'data-export', 'Screenshot 2024-06-17 at 14.48.12',
  'scan_0001', 'Q3 budget v2 [final]', 'holiday 📷', 'contract#42', 'a+b=c', 'README',
] as const;
const EXTENSIONS = ['.pdf', '.jpg', '.JPG', '.png', '.csv', '.json', '.docx', '.xlsx', '.heic', '.zip', '.txt', '.gz'] as const;
const BUCKET_WORDS = ['uploads', 'media', 'assets', 'data-lake', 'exports', 'user-files', 'invoices', 'backups'] as const;
const COMPANIES = ['acme', 'example', 'globex', 'initech', 'contoso', 'umbrella'] as const;
const VERSION_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';
type S3ObjectFields = { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string };
/** An empty object's MD5: the eTag real events carry for zero-byte uploads. */
const EMPTY_ETAG = 'd41d8cd98f00b204e9800998ecf8427e';

/** A decoded object key as real uploads name them: folders, dates, spaces, parentheses, `+`, unicode. */
export function s3ObjectKey(e: Entropy, epoch: number): string {
  const d = new Date(epoch);
  const yyyy = String(d.getUTCFullYear());
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  const prefix = e.pick([
    () => `${e.pick(FOLDERS)}/`,
    () => `${e.pick(FOLDERS)}/${yyyy}/${mm}/${dd}/`,
    () => `${e.pick(FOLDERS)}/year=${yyyy}/month=${mm}/day=${dd}/`,
    () => `users/${randomUuid(e)}/`,
    () => '',
  ])();
  const stem = e.bool(0.75) ? e.pick(STEMS) : `${e.alnumLower(8)}-${e.digits(4)}`;
  return `${prefix}${stem}${e.pick(EXTENSIONS)}`;
}

/** A bucket name: 3–63 lower-case letters, digits and hyphens. */
export function s3BucketName(e: Entropy): string {
  return e.pick([
    () => `${e.pick(COMPANIES)}-${e.pick(BUCKET_WORDS)}`,
    () => `${e.pick(COMPANIES)}-${e.pick(BUCKET_WORDS)}-${e.pick(['prod', 'staging', 'dev'])}`,
    () => `${e.pick(BUCKET_WORDS)}-${accountId(e)}`,
  ])();
}

/** The choices behind one S3 record; the rest is drawn from the `Entropy`. */
export interface S3RecordOptions {
  readonly eventName: S3EventName;
  /** Versioned buckets put a `versionId` on every object event. */
  readonly versioned: boolean;
  /** Drawn when absent. */
  readonly region?: string;
  /** Event time in epoch ms; drawn when absent. */
  readonly epoch?: number;
  /** Drawn when absent. */
  readonly bucket?: string;
}

/**
 * One S3 notification record (`eventVersion` 2.1), with every invariant of FIELDS.md §3: size and eTag only on
 * `ObjectCreated:*`, a sequencer on both families, `versionId` only on versioned buckets, the key form-encoded.
 * `ObjectRemoved:*` records lack `size`/`eTag`, which `S3EventRecord` wrongly requires.
 */
export function s3Record(e: Entropy, options: S3RecordOptions): S3EventRecord {
  const epoch = options.epoch ?? epochMs(e);
  const bucket = options.bucket ?? s3BucketName(e);
  const created = options.eventName.startsWith('ObjectCreated:');
  const key = encodeS3Key(s3ObjectKey(e, epoch));
  const versionId = options.versioned ? e.chars(VERSION_ID_CHARS, 32) : undefined;
  // S3's sequencer starts with the event's epoch seconds in hex, which is how consumers order events per key.
  const sequencer = `00${Math.floor(epoch / 1000).toString(16).toUpperCase()}${randomHex(e, 8).toUpperCase()}`;
  // Object literals with fixed shapes, in S3's key order: JSON.stringify of the S3 → SQS body is then much faster.
  let object: S3ObjectFields;
  if (created) {
    const multipart = options.eventName === 'ObjectCreated:CompleteMultipartUpload';
    const parts = multipart ? e.int(2, 40) : 1;
    const size = multipart ? parts * 5_242_880 - e.int(0, 5_000_000) : e.bool(0.03) ? 0 : e.int(1, 25_000_000);
    const eTag = multipart ? `${randomHex(e, 32)}-${parts}` : size === 0 ? EMPTY_ETAG : randomHex(e, 32);
    object = versionId === undefined ? { key, size, eTag, sequencer } : { key, size, eTag, versionId, sequencer };
  } else {
    object = versionId === undefined ? { key, sequencer } : { key, versionId, sequencer };
  }
  const principal = e.bool(0.6) ? iamUniqueId(e) : `${iamUniqueId(e, 'AROA')}:${e.pick(['upload-service', 'i-0' + randomHex(e, 16), 'alice@example.com'])}`;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: options.region ?? anyRegion(e),
    eventTime: isoMs(epoch),
    eventName: options.eventName,
    userIdentity: { principalId: `AWS:${principal}` },
    requestParameters: { sourceIPAddress: publicIpv4(e) },
    responseElements: {
      'x-amz-request-id': randomHex(e, 16).toUpperCase(),
      // 56 random bytes, base64: the shape of S3's extended request id.
      'x-amz-id-2': randomBase64(e, 56),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: e.pick([
        () => randomUuid(e),
        () => e.pick(['ProcessUploads', 'thumbnail-trigger', 'ObjectCreatedToLambda', 'tf-s3-lambda-' + e.digits(20)]),
        () => Buffer.from(randomUuid(e)).toString('base64').replace(/=+$/, ''),
      ])(),
      bucket: { name: bucket, ownerIdentity: { principalId: `A${e.upperAlnum(13)}` }, arn: `arn:aws:s3:::${bucket}` },
      object: object as S3EventRecord['s3']['object'],
    },
  };
}
