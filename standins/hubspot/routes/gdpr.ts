/**
 * `POST /crm/v3/objects/contacts/gdpr-delete` (HubSpot's GDPR delete; request model `PublicGdprDeleteInput`:
 * `objectId` required, `idProperty` optional): permanently deletes the contact and its associations, and keeps
 * its email on the portal's blocklist; 204 with no body. By id, an unknown contact is a 404; by email
 * (`idProperty: "email"`), an unknown email is blocklisted all the same ("If email address is not found, the
 * email address will be added to a blocklist"). The blocklist stops HubSpot's UI and imports, not the API.
 */
import { Hono } from 'hono'
import { failure, validationFailure } from '../errors'
import { objectTypeParam, readJson, type StandinContext, type StandinEnv } from '../http'
import { checkIdProperty } from './object-batches'

export function gdprRoutes({ portal }: StandinContext) {
  const app = new Hono<StandinEnv>()

  app.post('/crm/v3/objects/:type/gdpr-delete', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    if (type !== 'contacts') throw failure(404, 'OBJECT_NOT_FOUND', `The stand-in's GDPR delete is for contacts only, not ${type}`)
    const body = await readJson(c)
    const { objectId } = body
    if (typeof objectId !== 'string' || objectId.trim() === '') {
      throw validationFailure('Invalid input JSON: "objectId" is required (a string: the contact id, or its email with idProperty "email")')
    }
    const idProperty = checkIdProperty(portal, type, body.idProperty ?? 'hs_object_id')
    const id = idProperty === 'email' ? objectId.trim().toLowerCase() : objectId
    const record = portal.findByProperty(type, idProperty, id)
    if (!record && idProperty !== 'email') throw failure(404, 'OBJECT_NOT_FOUND', `Object not found. objectId are usually numeric.`)
    const email = record?.properties.email ?? (idProperty === 'email' ? id : undefined)
    if (record) portal.archive(type, record.id)
    if (email) portal.gdprBlocklist.add(email.toLowerCase())
    return c.body(null, 204)
  })

  return app
}
