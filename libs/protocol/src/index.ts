export { ErrorCodes, imError } from './error-codes';
export type { ErrorName, ImError } from './error-codes';

export { FromType, MessageType } from './message-type.constants';
export type { Channel, Direction, MessageTypeName, MessageTypeNumber } from './message-type.constants';
export { MESSAGE_TYPES, businessEventTypes, messageTypeSpec, typesSentAs } from './message-type.registry';
export type {
  BusinessEventRule,
  ClientSend,
  ClientSendKind,
  MessageTypeSpec,
  Producer,
  ProducingService,
} from './message-type.registry';

export { schema } from './content.schema';
export type {
  AnySchema,
  ArraySchema,
  BooleanSchema,
  ContentResult,
  ContentSchema,
  FieldSchema,
  IdSchema,
  NumberSchema,
  ObjectSchema,
  OneOfSchema,
  StringSchema,
  UrlSchema,
} from './content.schema';
export { ContentShapes } from './content.shapes';
export { NoticeShapes } from './content.notices';
export { MAX_CONTENT_DEPTH } from './content.guard';
export { validateContent } from './content.validate';

export { ID_PATTERN, isValidId, normaliseId } from './id.format';
export { MAX_URL_LENGTH, isSafeUrl, urlProblem } from './url.format';

export type { ImMessage } from './im-message';
export { MAX_MSG_ID_LENGTH, fromTypeName, serverMessage } from './server-message';
export type { FromTypeName, ServerMessageInput, ServerMessageSender } from './server-message';
export { DEFAULT_MAX_MESSAGE_BYTES, MAX_FROM_NAME_LENGTH, parseImMessage } from './im-message.parse';
export type { ParseOptions, ParseResult } from './im-message.parse';

export { directConversationId, groupConversationId, parseConversationId, systemConversationId } from './conversation';
export type { ConversationId, ParsedConversationId } from './conversation';
export { cutPreview, messagePreview, PREVIEW_MAX_CHARS } from './message-preview';

export { acceptsJsonString, contentJsonSchema, describeContent } from './content.describe';
export { protocolMarkdown } from './protocol.markdown';
export { PUSHED_TYPES, isPushed, pushBody, pushPriority } from './push.preview';
export type { PushPriority } from './push.preview';
