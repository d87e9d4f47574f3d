import { useEffect, useState } from "react";

/** The pages and their URL paths; the gateway answers any unknown path with index.html. */
export type Route = "dashboard" | "manage" | "products" | "profile";

export const routePaths: Record<Route, string> = { dashboard: "/", manage: "/manage", products: "/products", profile: "/profile" };

function routeFor(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "");
  if (path === "/manage") return "manage";
  if (path === "/profile") return "profile";
  if (path === "/products" || path.startsWith("/products/")) return "products";
  return "dashboard";
}

/** Goes to `path` without reloading, keeping the browser's back/forward buttons working. */
export function navigateTo(path: string): void {
  if (window.location.pathname === path) return;
  window.history.pushState(null, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** Switches page (to its top: a tab click on a product's page leads back to the product list). */
export function navigate(route: Route): void {
  navigateTo(routePaths[route]);
}

/** The current path, following pushState navigation and the back/forward buttons. */
export function usePath(): string {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  return path;
}

/** The current page. */
export function useRoute(): Route {
  return routeFor(usePath());
}

/** The product id of a `/products/{id}` path, or null. */
export function productIdOf(path: string): string | null {
  const match = /^\/products\/([^/]+)\/?$/.exec(path);
  return match ? decodeURIComponent(match[1]) : null;
}
