import crypto from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

// A software passkey for tests without a browser: an ES256 key pair that answers registration
// ("none" attestation) and sign-in the way an authenticator with user verification does,
// for the origin and RP ID it is given. The browser tests use Chromium's virtual
// authenticator instead.

const sha256 = (data: string | Uint8Array) => crypto.createHash('sha256').update(data).digest();
const b64 = (data: string | Uint8Array) => Buffer.from(data).toString('base64url');

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export class SoftwarePasskey {
  readonly rawId = crypto.randomBytes(16);
  readonly id = b64(this.rawId);
  private readonly keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  private counter = 0;

  constructor(
    private readonly rp: { id: string; origin: string },
    /** The user handle of the options (base64url), returned at sign-in. */
    private readonly userHandle: string,
  ) {}

  private cosePublicKey(): Uint8Array {
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]),
    );
  }

  private authenticatorData(flags: number, attested: Uint8Array = new Uint8Array()) {
    this.counter += 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    return Buffer.concat([sha256(this.rp.id), Buffer.from([flags]), counter, attested]);
  }

  private clientData(type: string, challenge: string) {
    return JSON.stringify({ type, challenge, origin: this.rp.origin, crossOrigin: false });
  }

  /** The answer to `navigator.credentials.create` for the options' challenge. */
  register(challenge: string): RegistrationResponseJSON {
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.rawId.length);
    const attested = Buffer.concat([
      Buffer.alloc(16), // AAGUID: none
      idLength,
      this.rawId,
      this.cosePublicKey(),
    ]);
    const authData = this.authenticatorData(FLAG_UP | FLAG_UV | FLAG_AT, attested);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64(this.clientData('webauthn.create', challenge)),
        attestationObject: b64(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }

  /** The answer to `navigator.credentials.get`; `verified: false` is a device that could not. */
  signIn(challenge: string, options: { verified?: boolean } = {}): AuthenticationResponseJSON {
    const flags = options.verified === false ? FLAG_UP : FLAG_UP | FLAG_UV;
    const authData = this.authenticatorData(flags);
    const clientDataJSON = this.clientData('webauthn.get', challenge);
    const signature = crypto.sign(
      'sha256',
      Buffer.concat([authData, sha256(clientDataJSON)]),
      this.keys.privateKey,
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authData),
        signature: b64(signature),
        userHandle: this.userHandle,
      },
      clientExtensionResults: {},
    };
  }
}
