import { ContentShapes as C } from './content.shapes';
import { NoticeShapes as N } from './content.notices';
import { CALL, CHAT, MULTI_CALL, def } from './message-type.policies';
import type { TableSpec } from './message-type.policies';

/** The call types of the message-type table: 1:1 calls 150-162, multi-party calls 163-168 (docs/calls-and-chatrooms.md). */
export const CALL_TYPE_TABLE: readonly TableSpec[] = [
  def('CALL_AUDIO_OFFER', 'both', CALL, 'Audio call offered to you', C.loose, ''),
  def('CALL_VIDEO_OFFER', 'both', CALL, 'Video call offered to you', C.loose, ''),
  def('CALL_AUDIO_ACCEPTED', 'both', CALL, 'The other party accepted the audio call', C.loose, ''),
  def('CALL_VIDEO_ACCEPTED', 'both', CALL, 'The other party accepted the video call', C.loose, ''),
  def('CALL_AUDIO_REFUSED', 'both', CALL, 'The other party refused the audio call', C.loose, ''),
  def('CALL_VIDEO_REFUSED', 'both', CALL, 'The other party refused the video call', C.loose, ''),
  def('CALL_HANGUP', 'both', CALL, 'Hang up', C.loose, ''),
  def('CALL_SWITCHED_TO_AUDIO', 'both', CALL, 'The other party switched the video call to audio', C.loose, ''),
  def('CALL_ASK_VIDEO', 'both', CALL, 'The other party asks to switch audio to video', C.loose, ''),
  def('CALL_VIDEO_AGREED', 'both', CALL, 'The other party agreed to switch audio to video', C.loose, ''),
  def('CALL_VIDEO_REFUSED_SWITCH', 'both', CALL, 'The other party refused to switch audio to video', C.loose, ''),
  def('CALL_DROPPED', 'down', CALL, 'The other party dropped out abnormally', N.empty, ''),
  def('CALL_ENDED', 'down', CHAT, 'Call ended (summary message for the conversation)', C.callEnded, {
    callId: '286429859020869636',
    kind: 'audio',
    callerId: 'u1001',
    calleeId: 'u1002',
    outcome: 'completed',
    duration: 65,
    startedAt: 1767225600000,
    endedAt: 1767225665000,
  }),
  def('MULTI_CALL_AUDIO_INVITE', 'both', MULTI_CALL, 'Multi-party audio call invitation', C.loose, {
    userIds: ['u1002', 'u1003'],
  }),
  def('MULTI_CALL_VIDEO_INVITE', 'both', MULTI_CALL, 'Multi-party video call invitation', C.loose, {
    userIds: ['u1002', 'u1003'],
  }),
  def('MULTI_CALL_ENDED_BY_INITIATOR', 'both', MULTI_CALL, 'The initiator ended the multi-party call', C.loose, ''),
  def(
    'MULTI_CALL_DESTROYED',
    'down',
    MULTI_CALL,
    'Multi-party call finally ended and destroyed',
    C.multiCallDestroyed,
    { callId: '286429859020869637', reason: 'ended' },
  ),
  def('MULTI_CALL_CREATED', 'down', MULTI_CALL, 'Someone created a multi-party video call', C.multiCallCreated, {
    callId: '286429859020869637',
    media: 'video',
    initiatorId: 'u1001',
  }),
  def(
    'MULTI_CALL_MEMBER_CHANGED',
    'down',
    MULTI_CALL,
    'Someone entered or left the multi-party call',
    C.multiCallMemberChanged,
    { callId: '286429859020869637', joined: 'u1002', participants: ['u1001', 'u1002'] },
  ),
  def(
    'MULTI_CALL_SIGNAL',
    'both',
    MULTI_CALL,
    '(extension) A WebRTC offer, answer or ICE candidate from one participant of the group call to another',
    C.multiCallSignal,
    { to: 'u1002', kind: 'offer', signal: { type: 'offer', sdp: 'v=0 …' } },
  ),
];
