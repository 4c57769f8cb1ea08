// Pure data. Microsoft Entra built-in directory roles and their template ids, which are the same in every tenant:
// enough to know, without asking a tenant, that `displayName: Global Administrator` and
// `id: 62e90394-69f5-4237-9190-012177145e10` name one role. The Graph emulator seeds its tenants from the same
// lists.

/** The privileged built-in roles (PRIVILEGED label) with their template ids. */
export const PRIVILEGED_ROLES: ReadonlyArray<readonly [name: string, templateId: string]> = [
  ['Global Administrator', '62e90394-69f5-4237-9190-012177145e10'],
  ['Privileged Role Administrator', 'e8611ab8-c189-46e8-94e1-60213ab1f814'],
  ['Privileged Authentication Administrator', '7be44c8a-adaf-4e2a-84d6-ab2649e08a13'],
  ['Security Administrator', '194ae4cb-b126-40b2-bd5b-6091b380977d'],
  ['Security Operator', '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f'],
  ['Security Reader', '5d6b6bb7-de71-4623-b4af-96380a352509'],
  ['Global Reader', 'f2ef992c-3afb-46b9-b7cf-a126ee74c451'],
  ['Conditional Access Administrator', 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9'],
  ['Application Administrator', '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3'],
  ['Cloud Application Administrator', '158c047a-c907-4556-b7ef-446551a6b5f7'],
  ['Application Developer', 'cf1c38e5-3621-4004-a7cb-879624dced7c'],
  ['Authentication Administrator', 'c4e39bd9-1100-46d3-8c65-fb160da0071f'],
  ['Authentication Extensibility Administrator', '25a516ed-2fa0-40ea-a2d0-12923a21473a'],
  ['User Administrator', 'fe930be7-5e62-47db-91af-98c3a49a38b1'],
  ['Helpdesk Administrator', '729827e3-9c14-49f7-bb1b-9608f156bbb8'],
  ['Password Administrator', '966707d0-3269-4727-9be2-8c3a10f19b9d'],
  ['Hybrid Identity Administrator', '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2'],
  ['Intune Administrator', '3a2c62db-5318-420d-8d74-23affee5d9d5'],
  ['Cloud Device Administrator', '7698a772-787b-4ac8-901f-60d6b08affd2'],
  ['Directory Writers', '9360feb5-f418-4baa-8175-e2a00bac4301'],
  ['Domain Name Administrator', '8329153b-31d0-4727-b945-745eb3bc5f31'],
  ['External Identity Provider Administrator', 'be2f45a1-457d-42af-a067-6ec1fa63bc45'],
  ['B2C IEF Keyset Administrator', 'aaf43236-0c0d-4d5f-883a-6955382ac081'],
  ['Lifecycle Workflows Administrator', '59d46f88-662b-457b-bceb-5c3809e5908f'],
  ['Attribute Provisioning Administrator', 'ecb2c6bf-0ab6-418e-bd87-7986f8d63bbe'],
  ['Attribute Provisioning Reader', '422218e4-db15-4ef9-bbe0-8afb41546d79'],
  ['Agent ID Administrator', 'db506228-d27e-4b7d-95e5-295956d6615f'],
  ['Partner Tier1 Support', '4ba39ca4-527c-499a-b93d-d9b492c50246'],
  ['Partner Tier2 Support', 'e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8'],
];

/** Built-in roles without the PRIVILEGED label, for negative tests. */
export const NON_PRIVILEGED_ROLES: ReadonlyArray<readonly [name: string, templateId: string]> = [
  ['Directory Readers', '88d8e3e3-8f55-4a1e-953a-9b9898b8876b'],
  ['Exchange Administrator', '29232cdf-9323-42fd-ade2-1d097af3e4de'],
];

const byName = new Map<string, string>(
  [...PRIVILEGED_ROLES, ...NON_PRIVILEGED_ROLES].map(([name, id]) => [name, id]),
);

/** The template id of the built-in directory role with this exact display name, if there is one. */
export function builtinDirectoryRoleId(displayName: string): string | undefined {
  return byName.get(displayName);
}
