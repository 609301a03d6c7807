// The three pieces of RxJS the client uses, imported from their own modules:
// rxjs's root entry loads every operator (about 100 ms and 12 MB at import),
// which a bot should pay only if it imports 'rxjs' itself. The `./internal/*`
// subpaths are in rxjs's exports map and resolve to the very files the root
// re-exports (CommonJS under node, ESM for bundlers, either way alike), so these
// are the same classes: our observables are `instanceof` the `Observable` from
// 'rxjs' and take the user's operators.
export { Observable } from 'rxjs/internal/Observable';
export { isObservable } from 'rxjs/internal/util/isObservable';
export { lastValueFrom } from 'rxjs/internal/lastValueFrom';
