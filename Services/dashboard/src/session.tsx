import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { api, ApiError } from "./api";
import type { UserProfile } from "./contract";

/** Who is logged in, and the actions that change it. `user` is null when logged out, undefined while checking. */
export interface Session {
  user: UserProfile | null | undefined;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session>({
  user: null,
  login: async () => { /* replaced by the provider */ },
  logout: async () => { /* replaced by the provider */ },
});

/** Asks the server once who the session cookie belongs to; login and logout update it for every page. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<UserProfile | null | undefined>(undefined);
  useEffect(() => {
    api.session().then((current) => setUser(current.user), (err) => {
      // The pages treat an unreachable server as logged out; the live indicator shows the outage.
      console.warn("could not check the session", err instanceof ApiError ? err.message : err);
      setUser(null);
    });
  }, []);
  const login = useCallback(async (username: string, password: string) => {
    const response = await api.login(username, password);
    setUser(response.user);
  }, []);
  const logout = useCallback(async () => {
    try { await api.logout(); } finally { setUser(null); }
  }, []);
  const session = useMemo(() => ({ user, login, logout }), [user, login, logout]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  return useContext(SessionContext);
}
