//! A route registry. Rooms declare their routes here instead of on a bare axum
//! `Router`, so that the application can list every method and path it serves
//! ([`crate::router::route_table`]): the access-matrix and CSRF tests walk that list,
//! and a route added without an expectation there fails them.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};

use crate::app::AppState;

/// One method on one path pattern, as axum matches it (`/teams/{slug}`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
}

/// The handlers for one path, with the methods they answer.
pub struct Endpoint {
    methods: Vec<Method>,
    router: MethodRouter<AppState>,
}

/// An endpoint answering GET (and HEAD) with `handler`.
pub fn get<H, T>(handler: H) -> Endpoint
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Endpoint {
        methods: vec![Method::GET],
        router: routing::get(handler),
    }
}

/// An endpoint answering POST with `handler`.
pub fn post<H, T>(handler: H) -> Endpoint
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Endpoint {
        methods: vec![Method::POST],
        router: routing::post(handler),
    }
}

impl Endpoint {
    pub fn get<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.methods.push(Method::GET);
        self.router = self.router.get(handler);
        self
    }

    pub fn post<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.methods.push(Method::POST);
        self.router = self.router.post(handler);
        self
    }
}

/// A room's routes: the axum router and the list of what it serves, built together.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    table: Vec<Route>,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn route(mut self, path: &'static str, endpoint: Endpoint) -> Self {
        self.table.extend(
            endpoint
                .methods
                .into_iter()
                .map(|method| Route { method, path }),
        );
        self.router = self.router.route(path, endpoint.router);
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.table.extend(other.table);
        self.router = self.router.merge(other.router);
        self
    }

    pub fn table(&self) -> &[Route] {
        &self.table
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
