// Runs a plan of S3 calls with the AWS SDK for JavaScript v3 and prints one JSON result per step.
// Usage: node s3.mjs ENDPOINT ACCESS_KEY SECRET_KEY REGION PLAN_JSON
// Each step is {op, key, ...}; op is "put" (a PutObject), "get" (a GetObject), "presign-get"
// (getSignedUrl for a GetObject) or "post" (createPresignedPost, then a multipart form POST with
// fetch and FormData, as a browser sends it). "secret" in a step signs with another secret key.
import { Readable } from "node:stream";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

const [endpoint, accessKeyId, secretAccessKey, region, planJson] = process.argv.slice(2);
const plan = JSON.parse(planJson);

function client(step) {
  return new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: step.accessKey ?? accessKeyId, secretAccessKey: step.secret ?? secretAccessKey },
    maxAttempts: 1,
  });
}

async function run(step) {
  const s3 = client(step);
  const bucket = step.bucket;
  try {
    if (step.op === "put") {
      const data = Buffer.from(step.body, "utf8");
      // A stream body (with its length) makes the SDK send its default CRC32 as an aws-chunked trailer.
      const body = step.stream ? Readable.from([data]) : data;
      const out = await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: step.key, Body: body, ContentLength: data.length, ContentType: step.contentType }),
      );
      return { ok: true, status: out.$metadata.httpStatusCode, etag: out.ETag, checksum: out.ChecksumCRC32 ?? null };
    }
    if (step.op === "get") {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: step.key }));
      return { ok: true, status: out.$metadata.httpStatusCode, body: await out.Body.transformToString() };
    }
    if (step.op === "presign-get") {
      const options = { expiresIn: step.expiresIn ?? 900 };
      if (step.signedSecondsAgo) options.signingDate = new Date(Date.now() - step.signedSecondsAgo * 1000);
      return { ok: true, url: await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: step.key }), options) };
    }
    if (step.op === "post") {
      const post = await createPresignedPost(s3, {
        Bucket: bucket,
        Key: step.key,
        Fields: step.fields ?? {},
        Conditions: step.conditions ?? [],
        Expires: step.expires ?? 600,
      });
      const form = new FormData();
      for (const [name, value] of Object.entries({ ...post.fields, ...(step.override ?? {}) })) form.append(name, value);
      form.append("file", new Blob([Buffer.from(step.content, "utf8")]), step.filename ?? "upload.txt");
      const response = await fetch(post.url, { method: "POST", body: form });
      return { ok: response.status < 300, status: response.status, url: post.url, fields: post.fields, text: await response.text() };
    }
    throw new Error(`unknown op ${step.op}`);
  } catch (error) {
    return { ok: false, status: error.$metadata?.httpStatusCode ?? null, code: error.Code ?? error.name, message: String(error.message) };
  }
}

const results = [];
for (const step of plan) results.push(await run(step));
process.stdout.write(JSON.stringify(results) + "\n");
