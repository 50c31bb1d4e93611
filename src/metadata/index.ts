// kube-client/metadata: the clients layer. Metadata-only access to any resource.
export {
  METADATA_ACCEPT,
  METADATA_LIST_ACCEPT,
  MetadataClient,
  MetadataResource,
  MetadataResourceClient,
  type PartialObjectMetadata,
  type PartialObjectMetadataList,
} from './metadata-client.js';
