import type { MouseEvent, ReactNode } from "react";
import { ConnectionIndicator } from "./ConnectionIndicator";
import { DashboardPage } from "./DashboardPage";
import { ManagePage } from "./ManagePage";
import { ProductsPage } from "./pages/products/ProductsPage";
import { navigate, Route, routePaths, useRoute } from "./router";
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

/** The shell: header with tabs and connection state; both pages stay mounted so a running simulation survives a tab switch. */
export function App() {
  const route = useRoute();
  const { data, connection } = useLiveData();
  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">Review stream</h1>
        <nav className="tabs" aria-label="Pages">
          <TabLink route="dashboard" current={route}>Dashboard</TabLink>
          <TabLink route="products" current={route}>Products</TabLink>
          <TabLink route="manage" current={route}>Manage</TabLink>
        </nav>
        <ConnectionIndicator connection={connection} />
      </header>
      <main>
        <DashboardPage data={data} hidden={route !== "dashboard"} />
        <ProductsPage hidden={route !== "products"} />
        <ManagePage hidden={route !== "manage"} />
      </main>
    </div>
  );
}
