import { describe, expect, it } from 'vitest';
import { parseListenAddress } from '../../../src/cli/listen-address.js';

describe('parseListenAddress', () => {
  it.each([
    { text: '127.0.0.1:8080', want: { host: '127.0.0.1', port: 8080 }, reason: 'host and port' },
    { text: ':8080', want: { host: '', port: 8080 }, reason: 'all interfaces, as Go reads it' },
    {
      text: '8080',
      want: { host: '127.0.0.1', port: 8080 },
      reason: 'a bare port binds loopback, not host 808',
    },
    { text: '[::1]:9000', want: { host: '::1', port: 9000 }, reason: 'IPv6 in brackets' },
    { text: 'localhost:0', want: { host: 'localhost', port: 0 }, reason: 'a name, any free port' },
  ])('$text: $reason', ({ text, want }) => {
    expect(parseListenAddress(text)).toEqual(want);
  });

  it.each([
    { text: 'localhost', reason: 'no port' },
    { text: 'localhost:80x', reason: 'a port must be digits' },
    { text: ':70000', reason: 'a port is at most 65535' },
    { text: '::1:80', reason: 'IPv6 without brackets is ambiguous' },
    { text: '[::1]80', reason: 'brackets must be followed by :port' },
    { text: 'bad_host!:80', reason: 'not a host name' },
    { text: '300.1.1.1:80', reason: 'not an IPv4 address' },
  ])('$text is refused: $reason', ({ text }) => {
    expect(() => parseListenAddress(text)).toThrow(/--http-addr .*use host:port/);
  });
});
