import { FormEvent, useState } from "react";
import { ApiError } from "./api";
import { useSession } from "./session";

/** Top right of every page: a login form, or who is logged in and a log-out button. */
export function LoginBox() {
  const { user, login, logout } = useSession();
  const [open, setOpen] = useState(false);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (user === undefined) return <div className="account" data-testid="account-checking" />;
  if (user) {
    return (
      <div className="account" data-testid="account">
        <span id="account-name" data-testid="account-name">{user.displayName}</span>
        {user.role === "admin" && <span className="badge role">admin</span>}
        <button type="button" id="logout" data-testid="logout" onClick={() => void logout()}>Log out</button>
      </div>
    );
  }

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await login(username.trim(), password);
      setPassword("");
      setOpen(false);
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 429 ? "Too many failed logins; try again later."
        : err instanceof ApiError && err.status === 401 ? "Wrong username or password."
        : `Could not log in: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="account" data-testid="account">
      {!open && <button type="button" id="login-open" data-testid="login-open" onClick={() => setOpen(true)}>Log in</button>}
      {open && (
        <form id="login-form" data-testid="login-form" className="login-form" onSubmit={onSubmit}>
          <input id="login-username" data-testid="login-username" aria-label="Username" placeholder="Username"
                 autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
          <input id="login-password" data-testid="login-password" aria-label="Password" placeholder="Password"
                 type="password" autoComplete="current-password" value={password}
                 onChange={(e) => setPassword(e.target.value)} required />
          <button type="submit" id="login-submit" data-testid="login-submit" className="primary" disabled={busy}>
            {busy ? "…" : "Log in"}
          </button>
          <button type="button" onClick={() => { setOpen(false); setProblem(null); }}>Cancel</button>
          {problem && <p id="login-error" data-testid="login-error" className="error" role="alert">{problem}</p>}
        </form>
      )}
    </div>
  );
}
