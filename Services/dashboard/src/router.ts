import { useEffect, useState } from "react";

/** The pages and their URL paths; the gateway answers any unknown path with index.html. */
export type Route = "dashboard" | "profile" | "manage";

export const routePaths: Record<Route, string> = { dashboard: "/", profile: "/profile", manage: "/manage" };

function routeFor(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "");
  return path === "/manage" ? "manage" : path === "/profile" ? "profile" : "dashboard";
}

/** Switches page without reloading, keeping the browser's back/forward buttons working. */
export function navigate(route: Route): void {
  if (routeFor(window.location.pathname) === route) return;
  window.history.pushState(null, "", routePaths[route]);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** The current page, following pushState navigation and the back/forward buttons. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeFor(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(routeFor(window.location.pathname));
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  return route;
}
