// A small aws-sdk-go-v2 client (Debian's golang-github-aws-aws-sdk-go-v2-dev) for the loopback
// verifier tests. Usage: s3client ENDPOINT ACCESS_KEY SECRET_KEY REGION BUCKET
// It prints one JSON object: the results of a PutObject, a GetObject, a presigned GET URL and a
// PutObject signed with a wrong secret key.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

type result struct {
	OK     bool   `json:"ok"`
	Code   string `json:"code,omitempty"`
	Body   string `json:"body,omitempty"`
	URL    string `json:"url,omitempty"`
	Detail string `json:"detail,omitempty"`
}

func failed(err error) result {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return result{Code: apiErr.ErrorCode(), Detail: err.Error()}
	}
	return result{Detail: err.Error()}
}

func newClient(endpoint, accessKey, secretKey, region string) *s3.Client {
	return s3.New(s3.Options{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
		UsePathStyle:     true,
		EndpointResolver: s3.EndpointResolverFromURL(endpoint),
		Retryer:          aws.NopRetryer{},
	})
}

func main() {
	endpoint, accessKey, secretKey, region, bucket := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5]
	ctx := context.Background()
	client := newClient(endpoint, accessKey, secretKey, region)
	out := map[string]result{}
	key := aws.String("go/key with space+plus.txt")
	body := []byte("hello from aws-sdk-go-v2\n")

	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: key, Body: bytes.NewReader(body)}); err != nil {
		out["put"] = failed(err)
	} else {
		out["put"] = result{OK: true}
	}

	if got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: key}); err != nil {
		out["get"] = failed(err)
	} else {
		data, _ := io.ReadAll(got.Body)
		out["get"] = result{OK: true, Body: string(data)}
	}

	presigner := s3.NewPresignClient(client)
	if signed, err := presigner.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: key}); err != nil {
		out["presign"] = failed(err)
	} else {
		out["presign"] = result{OK: true, URL: signed.URL}
	}

	wrong := newClient(endpoint, accessKey, secretKey+"x", region)
	if _, err := wrong.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("go/wrong"), Body: bytes.NewReader(body)}); err != nil {
		out["wrong-secret"] = failed(err)
	} else {
		out["wrong-secret"] = result{OK: true}
	}

	unknown := newClient(endpoint, "AKIAUNKNOWNKEY000000", secretKey, region)
	if _, err := unknown.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: key}); err != nil {
		out["unknown-key"] = failed(err)
	} else {
		out["unknown-key"] = result{OK: true}
	}

	encoded, _ := json.Marshal(out)
	os.Stdout.Write(append(encoded, '\n'))
}
