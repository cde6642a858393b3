import type { SourceId } from '../../../generators/index.js';
import { asObject, asString } from './types.js';

type Resources = Readonly<Record<string, unknown>>;

/**
 * The event sources of a plain `AWS::Lambda::Function` (CDK output, hand-written CloudFormation): unlike SAM's
 * `Events`, they live in the resources that point at the function: an event source mapping from an SQS queue, a
 * permission for API Gateway, S3 or SNS to invoke it, an SNS subscription, an API integration. In template order,
 * each once.
 */
export function referencedSources(resources: Resources, functionId: string): SourceId[] {
  const found: SourceId[] = [];
  for (const resource of Object.values(resources)) {
    const source = sourceOf(asObject(resource) ?? {}, resources, functionId);
    if (source !== undefined && !found.includes(source)) found.push(source);
  }
  return found;
}

function sourceOf(resource: Readonly<Record<string, unknown>>, resources: Resources, id: string): SourceId | undefined {
  const props = asObject(resource['Properties']) ?? {};
  switch (resource['Type']) {
    case 'AWS::Lambda::EventSourceMapping': {
      if (!refersTo(props['FunctionName'], id)) return undefined;
      const arn = props['EventSourceArn'];
      const queue = typeOfReferenced(arn, resources) === 'AWS::SQS::Queue' || (asString(arn)?.includes(':sqs:') ?? false);
      return queue ? 'sqs' : undefined; // Kinesis, DynamoDB streams, Kafka: no eventfuzz source yet
    }
    case 'AWS::Lambda::Permission': {
      if (!refersTo(props['FunctionName'], id)) return undefined;
      const principal = asString(props['Principal']);
      if (principal === 's3.amazonaws.com') return 's3';
      if (principal === 'sns.amazonaws.com') return 'sns';
      if (principal !== 'apigateway.amazonaws.com') return undefined;
      const api = typeOfReferenced(props['SourceArn'], resources);
      if (api === 'AWS::ApiGatewayV2::Api') return 'apigw-http';
      if (api === 'AWS::ApiGateway::RestApi') return 'apigw-rest';
      return Object.values(resources).some((r) => asObject(r)?.['Type'] === 'AWS::ApiGatewayV2::Api') ? 'apigw-http' : 'apigw-rest';
    }
    case 'AWS::SNS::Subscription':
      return props['Protocol'] === 'lambda' && refersTo(props['Endpoint'], id) ? 'sns' : undefined;
    case 'AWS::SNS::Topic':
      return refersTo(props['Subscription'], id) ? 'sns' : undefined;
    case 'AWS::ApiGatewayV2::Integration':
      return refersTo(props['IntegrationUri'], id) ? 'apigw-http' : undefined;
    case 'AWS::ApiGateway::Method':
      return refersTo(props['Integration'], id) ? 'apigw-rest' : undefined;
    default:
      return undefined;
  }
}

/** Whether `value` holds a `Ref`, `Fn::GetAtt` or `Fn::Sub` reference to the resource `id`, at any depth. */
export function refersTo(value: unknown, id: string): boolean {
  return referencedIds(value).includes(id);
}

/** The logical ids `value` references. */
function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  const object = asObject(value);
  if (object === undefined) return [];
  const ids: string[] = [];
  const ref = asString(object['Ref']);
  if (ref !== undefined) ids.push(ref);
  const getAtt = object['Fn::GetAtt'];
  const target = Array.isArray(getAtt) ? asString(getAtt[0]) : asString(getAtt)?.split('.')[0];
  if (target !== undefined) ids.push(target);
  const sub = object['Fn::Sub'];
  const template = Array.isArray(sub) ? asString(sub[0]) : asString(sub);
  if (template !== undefined) ids.push(...[...template.matchAll(/\$\{([\w]+)(?:\.[\w.]+)?\}/g)].map((m) => m[1]!));
  for (const [key, inner] of Object.entries(object)) if (key !== 'Ref' && key !== 'Fn::GetAtt') ids.push(...referencedIds(inner));
  return ids;
}

/** The type of the first resource `value` references (an ARN built with `Fn::Join` also refers to `AWS::Region`). */
function typeOfReferenced(value: unknown, resources: Resources): unknown {
  const id = referencedIds(value).find((ref) => Object.hasOwn(resources, ref));
  return id === undefined ? undefined : asObject(resources[id])?.['Type'];
}
