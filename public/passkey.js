// Passkeys (WebAuthn) in the staff area: signing in on /staff/sign-in and adding a passkey on
// /staff/account. Both blocks stay hidden unless this browser can use passkeys; everything else
// on those pages works without script. No client library: current browsers turn the server's
// JSON options into WebAuthn options (parse…OptionsFromJSON) and the credential back into JSON
// (toJSON). Texts come from the page, in its language.

const supported =
  typeof window.PublicKeyCredential === 'function' &&
  typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function' &&
  typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function' &&
  typeof PublicKeyCredential.prototype.toJSON === 'function';

/** Posts JSON with the page's CSRF token; answers { ok, status, data } (data {} if not JSON). */
async function postJson(url, body, csrf) {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-csrf-token': csrf,
    },
    body: JSON.stringify(body),
  });
  let data = {};
  try {
    data = await response.json();
  } catch {
    // An error page (HTML): the caller shows its own message.
  }
  return { ok: response.ok, status: response.status, data };
}

/** Shows a message in a live region; hiding it first makes screen readers announce it again. */
function show(element, text) {
  element.hidden = true;
  if (text) element.textContent = text;
  requestAnimationFrame(() => {
    element.hidden = false;
  });
}

function setUpSignIn(block) {
  const button = block.querySelector('#passkey-button');
  const error = block.querySelector('#passkey-error');
  const form = document.querySelector('form input[name="_csrf"]');
  if (!button || !error || !form) return;
  const csrf = form.value;
  const next = block.dataset.next || '/staff';
  let busy = false;
  block.hidden = false;
  button.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    error.hidden = true;
    button.setAttribute('aria-busy', 'true');
    let message;
    try {
      const options = await postJson('/staff/sign-in/passkey/options', {}, csrf);
      if (!options.ok) throw new Error(`options ${options.status}`);
      const credential = await navigator.credentials.get({
        publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.data),
      });
      if (!credential) throw new Error('no credential');
      const url = `/staff/sign-in/passkey?next=${encodeURIComponent(next)}`;
      const result = await postJson(url, credential.toJSON(), csrf);
      if (result.ok && typeof result.data.redirect === 'string') {
        window.location.assign(result.data.redirect);
        return;
      }
      message = result.data.message;
    } catch {
      // Cancelled, not verified by the device, or the server refused: one message.
    }
    busy = false;
    button.removeAttribute('aria-busy');
    show(error, typeof message === 'string' ? message : undefined);
  });
}

function setUpAccount(block) {
  const form = block.querySelector('form');
  const input = block.querySelector('#passkey-name');
  const nameError = block.querySelector('#passkey-name-error');
  const error = block.querySelector('#passkey-add-error');
  const unavailable = document.getElementById('passkey-unavailable');
  if (!form || !input || !nameError || !error) return;
  const csrf = form.querySelector('input[name="_csrf"]')?.value ?? '';
  let busy = false;
  block.hidden = false;
  if (unavailable) unavailable.hidden = true;

  const clear = () => {
    error.hidden = true;
    nameError.hidden = true;
    nameError.textContent = '';
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', 'passkey-name-hint');
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    clear();
    let message = error.dataset.failed;
    try {
      const options = await postJson(form.action, { name: input.value }, csrf);
      const fieldMessage = options.data.errors?.name;
      if (options.status === 400 && typeof fieldMessage === 'string') {
        nameError.textContent = fieldMessage;
        nameError.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', 'passkey-name-hint passkey-name-error');
        input.focus();
        busy = false;
        return;
      }
      if (!options.ok) throw new Error(`options ${options.status}`);
      let credential;
      try {
        credential = await navigator.credentials.create({
          publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.data),
        });
      } catch (failure) {
        // InvalidStateError: an authenticator that already holds one of the member's passkeys.
        if (failure && failure.name === 'InvalidStateError') message = error.dataset.exists;
        throw failure;
      }
      if (!credential) throw new Error('no credential');
      const result = await postJson('/staff/account/passkeys', credential.toJSON(), csrf);
      if (result.ok && typeof result.data.redirect === 'string') {
        // The account page again, now listing the new passkey.
        window.location.assign(result.data.redirect);
        return;
      }
      if (typeof result.data.message === 'string') message = result.data.message;
    } catch {
      // The message chosen above.
    }
    busy = false;
    show(error, message);
  });
}

if (supported) {
  const signIn = document.getElementById('passkey-sign-in');
  if (signIn) setUpSignIn(signIn);
  const add = document.getElementById('passkey-add');
  if (add) setUpAccount(add);
}
