import type { MouseEvent, ReactNode } from "react";
import { ConnectionIndicator } from "./ConnectionIndicator";
import { DashboardPage } from "./DashboardPage";
import { LoginBox } from "./LoginBox";
import { ManagePage } from "./ManagePage";
import { ProfilePage } from "./ProfilePage";
import { ProductsPage } from "./pages/products/ProductsPage";
import { navigate, Route, routePaths, useRoute } from "./router";
import { SessionProvider, useSession } from "./session";
import { useLiveData } from "./useLiveData";

function TabLink({ route, current, children }: { route: Route; current: Route; children: ReactNode }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    // Let the browser handle "open in new tab" and friends.
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(route);
  };
  return (
    <a href={routePaths[route]} id={`tab-${route}`} data-testid={`tab-${route}`} className="tab"
       aria-current={route === current ? "page" : undefined} onClick={onClick}>
      {children}
    </a>
  );
}

/** The shell: header with tabs, connection state and the login box; the pages stay mounted across tab switches. */
export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const route = useRoute();
  const { user } = useSession();
  const { data, connection } = useLiveData();
  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">Review stream</h1>
        <nav className="tabs" aria-label="Pages">
          <TabLink route="dashboard" current={route}>Dashboard</TabLink>
          <TabLink route="products" current={route}>Products</TabLink>
          {user && <TabLink route="profile" current={route}>Profile</TabLink>}
          {user?.role === "admin" && <TabLink route="manage" current={route}>Manage</TabLink>}
        </nav>
        <ConnectionIndicator connection={connection} />
        <LoginBox />
      </header>
      <main>
        <DashboardPage data={data} connection={connection} hidden={route !== "dashboard"} />
        <ProductsPage hidden={route !== "products"} />
        <ProfilePage hidden={route !== "profile"} />
        <ManagePage hidden={route !== "manage"} />
      </main>
    </div>
  );
}
