/** A store mutation BigCommerce would refuse (the HTTP routes answer 422 with its message). */
export class StoreError extends Error {}
